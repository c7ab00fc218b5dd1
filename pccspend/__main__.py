from pccspend.cli import main

main()

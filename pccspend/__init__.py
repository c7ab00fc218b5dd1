"""pccspend: the award register of Police and Crime Commissioners' commissioned services and grants."""

__version__ = "0.1.0"

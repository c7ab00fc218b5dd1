"""The seed papers with awards, typed out by hand as their offices lay them out: headings, numbered
paragraphs, captions and tables (header rows, then body rows).

Written from reading tests/fixtures/papers/*.txt, not from our parser, so a PDF or Word file made
from them tests extraction from a paper as a person lays it out. Conventions in table cells:
"^" is the cell above merged down into this row (Word's vertical merge; only the first row shows
the text), "<" is the cell to the left spanning into this one, and a line break separates a cell's
name from its description (two paragraphs in the cell)."""

from __future__ import annotations

from dataclasses import dataclass, field

UP, LEFT = "^", "<"


@dataclass
class Para:
    """A paragraph: `number` as the paper prints it ("2.2", or "1" for a heading or list item)."""

    text: str
    number: str | None = None
    kind: str = "body"  # body, heading, title, bullet, caption, small


@dataclass
class Grid:
    """A table: `head` rows are shaded and repeated over a page break; `widths` are relative;
    an unruled table has no grid lines (a rule under the header and above a total only)."""

    head: list[list[str]]
    rows: list[list[str]]
    widths: list[float]
    ruled: bool = True


@dataclass
class Layout:
    """A paper: blocks in order; PAGE starts a new page. `auto_numbering` makes Word number the
    numbered paragraphs itself (numPr), as offices' templates do, rather than typing the numbers."""

    name: str
    blocks: list = field(default_factory=list)
    auto_numbering: bool = True


PAGE = "page break"


def h(number: str, text: str) -> Para:
    return Para(text, number, "heading")


def p(number: str | None, text: str) -> Para:
    return Para(text, number)


def b(text: str) -> Para:
    return Para(text, None, "bullet")


LETTER = [Para("Cambridgeshire Police & Crime Commissioner", None, "small"),
          Para("To: Business Coordination Board", None, "small"), Para("From: Chief Executive", None, "small")]

BCB_2015 = Layout("000_c07965a0b10809ed", [
    *LETTER, Para("Date: 14 July 2015", None, "small"),
    Para("CREATION OF A SUBSTANCE MISUSE 'INNOVATION FUND' IN PETERBOROUGH", None, "title"),
    h("1", "Purpose"),
    p("1.1", "The purpose of this report is to update the Business Coordination Board (\"the Board\") on the Police "
             "and Crime Commissioner's (\"the Commissioner\") intention to create an Innovation Fund to sit alongside "
             "the new integrated drugs and alcohol treatment contract in Peterborough."),
    h("2", "Recommendation"),
    p("2.1", "The Board is recommended to agree to the creation of the Innovation Fund."),
    p("2.2", "The Commissioner signs the Decision Notice to create the fund and commits to providing £150,000 in "
             "2016/17 to Peterborough City Council for this purpose."),
    h("3", "Background"),
    p("3.1", "The Commissioner has contributed a sum of money (historical Drugs Intervention Programme funding) to "
             "Peterborough City Council annually. This money was placed into a pooled budget to provide drugs "
             "services in the city. In particular this money secured criminal justice pathways into drugs treatment "
             "following positive drugs tests in custody."),
    p("3.2", "Peterborough City Council are re-commissioning this service as part of a wider integrated drugs and "
             "alcohol treatment system. This five-year contract will be awarded in time for a 1st April 1 2016 start "
             "date. In the current funding climate it would be difficult for the Commissioner to commit to five "
             "years of funding."),
    p("3.3", "However the Commissioner, Cambridgeshire the Constabulary and Peterborough City Council are still keen "
             "to ‘work in partnership’ to tackle drugs misuse and associated crimes and develop innovative practices "
             "to reduce the crime and disorder linked to wider substance misuse. In particular all three parties are "
             "keen to reduce the demand placed on statutory services as a result of drugs and alcohol misuse."),
    h("4", "Substance Misuse Innovation Fund"),
    p("4.1", "The creation of an annual Innovation Fund will allow the Commissioner greater flexibility to tackle the "
             "local crime and disorder associated with drugs and alcohol misuse. It also encourages innovation by the "
             "integrated drugs and alcohol treatment provider to complement the prescribed activities within the main "
             "contract specification."),
    p("4.2", "The Innovation Fund would operate on an annual cycle in which the treatment provider will be invited "
             "to submit proposals. Proposals which actively involve partner agencies, for example mental health "
             "services, will be encouraged."),
    p("4.3", "A series of outcome measures will be set each year. The provider will be expected to demonstrate how "
             "they will contribute to the achievement of these outcomes. For 2016/17 this is likely to include a "
             "reduction in the demand for police custody resources."),
    h("5", "Recommendation"),
    p("5.1", "The Board is recommended to agree to the creation of the innovation fund."),
    p("5.2", "The Commissioner signs the Decision Notice to create the fund and commit to providing £150,000 in "
             "2016/17 to Peterborough City Council for this purpose."),
    Para("BIBLIOGRAPHY", None, "heading"),
    Grid([], [["Source Documents", "Police and Crime Commissioner’s Police and Crime Plan 2013 -16\nPeterborough "
                                   "City Council Integrated Drug and Alcohol Treatment Retender – Supporting "
                                   "Information 4: Innovation Fund"],
              ["Contact Officers", "Nicky Phillipson\nStrategic Advisor, Office of the Police and Crime Commissioner"]],
         [1, 3]),
])

# Paragraph 4.3's three lists as one table: one header, a full-width row naming each kind of
# agreement, and the Constabulary's cell merged down over its three grants.
VICTIMS_2017 = Grid(
    [["Service", "Provider", "Award"]],
    [["Grant Agreements", LEFT, LEFT],
     ["Victim and Witness Hub Initial Referral provision", "Cambridgeshire Constabulary", "£446,000"],
     ["Specialist Victim and Witness Care Co-ordinator – Migrant Victims of Exploitation", UP, "£33,445"],
     ["Restorative Justice Hub", UP, "£52,750"],
     ["Practical Support for young victims of crime", "Embrace – Child Victims of Crime", "£2,000"],
     ["Young Person Independent Domestic Violence Advisor", "Cambridgeshire County Council", "£40,000"],
     ["Contracts - Commissioned services", LEFT, LEFT],
     ["Countywide Sexual Violence Support Service", "Cambridge and Peterborough Rape Crisis Partnership",
      "£213,000 from OPCC"],
     ["Counselling for young victims of crime", "Embrace – Child Victims of Crime", "£20,000 (Match funded)"],
     ["Contracts – Single Tender Action Requests", LEFT, LEFT],
     ["Victim Pathfinders (Mental Health Nurses in Victim and Witness Hub)",
      "Cambridgeshire and Peterborough Foundation Trust", "£75,000"],
     ["Home security for elderly victims of burglary", "Shrievalty Trust", "£50,000"],
     ["Specialist Victim Care Co-ordinator – Young Victims of Crime", "Family Action", "£29,065"]],
    [5, 4, 2])

BOARDS = "Statutory multi agency board with a remit to co-ordinate the work of agencies to safeguard children and " \
         "promote the welfare of children"
YOS = "Contribution to the YOS to fund preventative and restorative work"

# Appendix 1 as the office prints it: three columns, each theme a full-width row, the project's
# name over its description in one cell, the four boards' shared provider merged down.
APPENDIX_2017 = Grid(
    [["Service Provision", "Provider", "Funding £"]],
    [["Victims – Safeguarding the vulnerable", LEFT, LEFT],
     ["Integrated Mental Health Team in Force Control Room\nMental Health nurses working in Force Control Room "
      "providing advice and guidance to FCR staff and frontline officers where there are potential MH concerns for "
      "individuals.", "Contribution to pooled budget with Clinical Commissioning Group who commission Cambs & "
      "P'boro Foundation Trust", "150,000"],
     [f"Cambridgeshire Local Safeguarding Children Board\n{BOARDS}",
      "Independent Boards with single back office provision", "48,468"],
     [f"Peterborough Local Safeguarding Children Board\n{BOARDS}", UP, "35,884"],
     ["Cambridgeshire Safeguarding Adults Board\nStatutory multi-agency board with a remit to ensure safeguarding "
      "arrangements are in place for adults with care and support needs.", UP, "43,621"],
     ["Peterborough Safeguarding Adults Board\nStatutory multi-agency board with a remit to ensure safeguarding "
      "arrangements are in place for adults with care and support need", UP, "35,884"],
     ["Appropriate Adults Out of Hours Custody Provision\nProvision of support for mentally vulnerable adults "
      "brought into the Constabulary's custody suites.", "",
      "Contribution to Cambridgeshire County Council's pooled budget to commission this service"],
     ["Countywide co-ordination of high risk partnership issues", "Cambridgeshire County Council", "30,000"],
     ["Offenders – Attacking criminality and reducing re-offending", LEFT, LEFT],
     ["Peterborough Substance Misuse Innovation Fund\nFunds intensive case management approach to reduce demand on "
      "custody by frequent flyers.", "Innovation fund sitting on top of main contract held by Peterborough City "
      "Council with Aspire", "140,000"],
     ["Cambridgeshire Substance Misuse\nSupports partners in Criminal Justice in identifying most effective and "
      "efficient referral pathways into treatment.", "Contribution to pooled budget to wider contract with "
      "Shropshire Healthcare Trust", "94,000"],
     [f"Cambridgeshire Youth Offending Service\n{YOS}", "Cambridgeshire County Council", "127,000"],
     [f"Peterborough Youth Offending Service\n{YOS}", "Peterborough City Council", "136,000"],
     ["County-Wide Integrated Offender Management\nFunding for a co-ordinator post to work with offenders who cause "
      "the public the most harm through the volume of offences they commit.", "Cambridgeshire Constabulary",
      "45,000"],
     ["Multi-Agency Public Protection Agency (MAPPA)\nContribution to the partnership arrangement to manage the risk "
      "posed by the most serious sexual and violent offenders.", "National Probation Service", "50,000"],
     ["Crimestoppers\nContribution to the running of the national call centre where people can report information "
      "anonymously and an Eastern Region Manager post", "Crimestoppers National Charity", "25,791"],
     ["Communities – Preventing crime and reassuring the public", LEFT, LEFT],
     ["Cambridge City Community Safety Partnership", "Cambridge City Council", "39,000"],
     ["Fenland Community Safety Partnership", "Fenland District Council", "35,000"],
     ["Huntingdonshire Community Safety Partnership", "Huntingdonshire District Council", "23,000"],
     ["East Cambs Community Safety Partnership", "East Cambs District Council", "12,000"],
     ["South Cambs Crime and Disorder Reduction Partnership", "South Cambs District Council", "16,000"],
     ["Safer Peterborough Partnership", "Peterborough City Council", "30,000"],
     ["Peterborough Anti-Social Behaviour Team\nA contribution towards a team tackling ASB within the city",
      "Peterborough Enforcement Service", "80,000"],
     ["ECINS - IT system\nThis allows real time sharing of information by partners and case management. This "
      "funding enabled the renewal of the licence required.", "Empowering Communities", "78,600"],
     ["Police Cadets\nThis covers ongoing costs for the provision of volunteer police cadet schemes in the county.",
      "Cambridgeshire Constabulary", "10,000"],
     ["Tackling rural crime in Cambridgeshire\nA contribution to local work to reduce crime in rural communities",
      "Cambridgeshire Countryside Watch", "12,000"],
     ["Emerging Initiatives", "", "15,000"],
     ["Total Awards", LEFT, "£1,322,248"]],
    [5.5, 4, 2])

BCB_2017 = Layout("001_1d570ee3bed65728", [
    *LETTER, Para("Date: 11 May 2017", None, "small"),
    Para("COMMISSIONING AND GRANTS", None, "title"),
    h("1", "Purpose"),
    p("1.1", "The purpose of this report is to update the Business Coordination Board (the “Board”) on the grants "
             "awarded for the financial year 2017/18 to enable the Police and Crime Commissioner (the "
             "“Commissioner”) to support the delivery of the objectives set within the Police and Crime Plan – "
             "Community Safety and Criminal Justice (the “Plan”)."),
    h("2", "Recommendation"),
    p("2.1", "The Board is recommended to note the contents of this report"),
    h("3", "Commissioning and Grants Strategy"),
    p("3.1", "The Commissioning and Grants Strategy sets out the strategy and the principles for awarding funding for "
             "local interventions, projects and victim support services which support the shared outcomes set out "
             "in the new Police and Crime Plan. This Strategy was approved by the Board at their December 2016 "
             "meeting."),
    p("3.2", "The Commissioner uses a mixed model of grants and commissioning approaches to allocate awards from four "
             "funding streams:"),
    b("Ministry of Justice (MOJ) Victims’ Services Grant"),
    b("Crime and Disorder Reduction Grants (from main police grant)"),
    b("Youth Fund (raised through Police Property Act)"),
    b("Casualty Reduction and Support Fund (surplus from cost recovery from National Driver Offender "
      "Rehabilitation courses)"),
    p("3.3", "The Commissioner's total projected budget for grants for 2017/18 is £2.3m. This is comprised of £1m "
             "from the MoJ to put in place support services for victims of crime and £1.3m from the main budget for "
             "Crime and Disorder Reduction Grants. Separate funds are held from which to make grants to reduce the "
             "number of people killed and seriously injured on the county's roads and to support diversionary work "
             "with young people."),
    p("3.4", "The OPCC has also secured grants from the Home Office Police Transformation Fund and these have been "
             "reported separately to the Board."),
    h("4", "Victims Services"),
    p("4.1", "The responsibility for commissioning support services for victims of crime transferred to the "
             "Commissioner in 2012. The MoJ requires the Office of the Police and Crime Commissioner (OPCC) to report "
             "twice yearly on the outcomes achieved. This focus on outcome-based commissioning has been embraced by "
             "the OPCC and work is ongoing to refine how the impact of each service is measured."),
    p("4.2", "The highlights for 2016/17 have included:"),
    b("the OPCC acting as lead commissioner for a countywide support service for victims of sexual violence. This "
      "pooled budget arrangement with two local authorities and NHS England ensures equitable provision of support "
      "for all victims."),
    b("securing a two-year contract for a counsellor for young victims of sexual violence and domestic abuse. This "
      "post is match funded by a locally-based national charity. It is based in the new Sexual Assault Referral "
      "Centre and is part of a suite of wrap around services for these vulnerable victims."),
    b("the merger of the Victims' Hub with Witness Care to provide a single point of contact for victims and "
      "witnesses. The service received more than 15,000 referrals in the last financial year (a third of all "
      "reported victim-based crime) and just short of 100 self-referrals. The experienced Victim and Witness Care "
      "Co-ordinators were able to meet the needs of 3,300 victims through a single call with each of them. The "
      "volunteers who work with the service clocked up 1,461 volunteering hours."),
    b("more than 100 young victims of crime were provided with specialist support in a nine-month period. The "
      "outcomes have been wide reaching. Young people have reported being comfortable in returning to school, "
      "socialising with their peers and having improved relationships with their immediate families."),
    p("4.3", "A mixed model of commissioning is used to put services in place, which for 2017/18 are given below."),
    VICTIMS_2017,
    p("4.4", "A Single Tender Agreement Request form can be completed to enable a contract to be awarded without a "
             "competitive procurement process (whether this is a new contract or an extension to an existing "
             "contract) in two circumstances: where it can be evidenced that only one supplier is able to carry out "
             "the work or services or to supply goods for technical reasons; or there is a justifiable case to use "
             "an existing contractor/supplier to maintain a continuity of supply."),
    p("4.5", "Future service development will include continuing the focus on vulnerability in particular by "
             "bolstering the provision of support for victims of domestic abuse (informed by the needs assessment). "
             "This work will be delivered in partnership with the Cambridgeshire County Council who currently manage "
             "and fund the county-wide response to high risk domestic abuse. It will consider both the demand placed "
             "upon services by vulnerable people and the collective response to it. The co-location of the "
             "Peterborough Domestic Abuse Service into the Victim and Witness Hub from April 2017 is a key part of "
             "this service improvement."),
    p("4.6", "The Commissioner is currently awaiting the outcome of a significant bid into the Violence Against Women "
             "and Girls Home Office Transformation Fund which could improve local services for children in domestic "
             "abuse relationships. A recent bid into the Department for Communities and Local Government has brought "
             "£700k into the county to provide accommodation-based support for domestic abuse victims. YMCA have "
             "secured Lottery monies for a small project to support the wider domestic abuse agenda."),
    h("5", "Crime and Disorder Reduction Grants"),
    p("5.1", "The Commissioner can make such grants which he believes will secure, or contribute to securing crime and "
             "disorder reduction in the county. The OPCC is ensuring greater scrutiny is being applied to grants "
             "with the development of agreed delivery activities for all recipients. For 2017/18 the Community "
             "Safety Partnerships have been required to present their spend plans before funding has been released."),
    p("5.2", "The highlights for 2016/17 have included:"),
    b("the development of an Integrated Mental Health Team in the Force Control Room. Early evaluation has shown in "
      "the first eight months the nurses reviewed more than 10,000 incidents; in 83 per cent of cases the "
      "individuals were already known to the mental health trust. The evaluation also reports increased police "
      "confidence, improved experience for service users, reduced deployments and saved police officer time."),
    b("the creation of an Integrated Recovery Offender Programme from a Substance Misuse Innovation Fund in "
      "Peterborough. This is expected to reduce demand on the custody block from frequent attendees. Evaluation "
      "of its success is expected later this year."),
    p("5.3", "Grants awarded for 2017/18 are attached as Appendix 1."),
    h("6", "Casualty Reduction and Support Fund"),
    p("6.1", "A paper was taken to March 2017 Board meeting informing them of the allocation of £67k worth of funding "
             "for a countywide young driver IT platform from this fund. The Commissioner will now be reviewing the "
             "terms of reference for the fund following the first year of operation. An update paper will be "
             "brought to a future Board meeting."),
    h("7", "Police and Crime Commissioner's Local Youth Social Action Fund for Cambridgeshire & Police and Crime "
           "Commissioner's Youth and Communities Fund"),
    p("7.1", "A paper signalling the creation of these two funds was taken to the March Board meeting. The former is "
             "being managed by the Cambridgeshire Community Foundation and has attracted match funding from Civil "
             "Society/Big Lottery Fund. It aims to encourage social action (volunteering) from young people. The "
             "latter fund will be managed in house to achieve objectives set out in the Police and Crime Plan for "
             "2017-20, with a focus on diverting young people from criminal activity and anti-social behaviour."),
    h("8", "Recommendation"),
    p("8.1", "The Board is recommended to note the contents of this report."),
    Grid([], [["Source Documents", "'Commissioning and Grants Strategy 2016-20', Agenda Item 12.0, Business "
                                   "Co-ordination Board, 16th December 2017\n'The Police and Crime Commissioner's Youth "
                                   "Fund – A New Approach', Agenda 11.0, Business Co-ordination Board, 14th March 2017\n"
                                   "'Road Safety Partnership – Project Funding', Agenda Item 10.0, Business "
                                   "Co-ordination Board, 14th March 2017"],
              ["Contact Officer", "Nicky Phillipson, Head of Strategic Partnerships and Commissioning"]], [1, 3]),
    PAGE,
    Para("Appendix 1", None, "heading"),
    Para("Crime and Disorder Reduction Grants 2017/18", None, "caption"),
    APPENDIX_2017,
])

INITIAL = "2016/17 (funding already approved through the Commissioning Framework 2016/17)"

EXE0001 = Layout("002_3810950e6616eb5f", [
    Para("POLICE AND CRIME COMMISSIONER FOR LEICESTERSHIRE DECISION RECORD", None, "title"),
    Para("To be completed in cases where a decision is required", None, "small"),
    Para("DECISION OF POLICE AND CRIME COMMISSIONER", None, "heading"),
    Grid([], [["Date:", "18/02/2016"],
              ["Officers present:", "Paul Stock (Chief Executive), Andrew Dale (Resources Manager and Deputy Section "
                                    "151 Officer), Simon Down (Commissioning Manager)"],
              ["OPCC Ref:", "EXE0001/tb"], ["Title:", "Substance Misuse Commissioning"]], [1, 3]),
    Para("Summary of Issue:", None, "heading"),
    p(None, "The OPCC's commissioning arrangements for substance misuse treatment provision are coming to an end across "
            "Leicester, Leicestershire and Rutland (LLR). As such, the OPCC has entered into commissioning arrangements "
            "with Leicester City Council, Leicestershire County Council and NHS England (North) for the procuring of a "
            "single Substance Misuse Treatment Service (SMTS) to commence on the 1st July 2016."),
    p(None, "The procurement process is currently in the \"standstill\" period. This joint commissioning needs to be "
            "formalised via a partnership agreement and the OPCC also needs to enter into further discussions/ "
            "negotiations with Rutland County Council and the successful SMTS provider in relation to further service "
            "provision to ensure that there is a single cohesive substance misuse service across LLR that meets our "
            "strategic requirements as set out in the Police and Crime Plan."),
    p(None, "The partnership agreement will set out the funding commitments from each party, their responsibilities, "
            "contractual arrangements to be had with the provider, governance arrangements, and legal protections for "
            "each party."),
    p(None, "Further details of the background to this decision are set out in Appendix 1."),
    Para("Recommendations presented:", None, "heading"),
    p("1", "Sign up to the partnership agreement with Leicester City Council, Leicestershire County Council and NHS "
           "England (North) which commits us to pay amounts as per table 1 towards the SMTS across Leicester and "
           "Leicestershire."),
    p("2", "Work with Rutland County Council to agree how to make best use of the funding amounts outlined within "
           "table 2 towards substance misuse provision."),
    p("3", "Enter into negotiations with the successful SMTS provider to deliver additional elements under the above "
           "partnership agreement and related contracts with respect to the Integrated Vulnerability Management "
           "Initiative (funded through the Strategic Partnership Development Fund (SPDF) - exact amount to be agreed "
           "separately)."),
    p("4", "Enter into negotiations with the successful SMTS provider to deliver education sessions as part of out of "
           "court disposals. This will be delivered via a separate contract held and managed by the OPCC."),
    Para("Table 1. OPCC contributions to the Leicester and Leicestershire SMTS", None, "caption"),
    Grid([["Financial Year", "OPCC funding commitment within initial period of contract",
           "OPCC funding commitment for optional extension to contract"]],
         [[INITIAL, "£335,568", "N/A"], ["2017/18", "£447,424", "N/A"], ["2018/19", "£447,424", "N/A"],
          ["2019/20", "£447,424", "N/A"], ["2020/21", "£111,856", "£335,568"], ["2021/22", "N/A", "£111,856"],
          ["Total", "£1,789,696", "£447,424"]], [3, 2, 2]),
    # Table 2 in the office's plain style: no grid, columns only aligned, the year's note wrapping.
    Para("Table 2. OPCC contributions to Rutland County Council for substance misuse provision", None, "caption"),
    Grid([["Financial Year", "OPCC funding commitment",
           "OPCC funding commitment in the event that the Leicester and Leicestershire SMTS contract is extended"]],
         [[INITIAL, "£1,114", "N/A"], ["2017/18", "£1,485", "N/A"], ["2018/19", "£1,485", "N/A"],
          ["2019/20", "£1,485", "N/A"], ["2020/21", "£371", "£1,114"], ["2021/22", "N/A", "£371"],
          ["Total", "£5,940", "£1,485"]], [3, 2, 2], ruled=False),
    p(None, "NB. The funding in relation to the optional extension (£447,424 + £1,485) will be subject to a further "
            "decision paper in due course."),
    p(None, "As such, the total funding committed by this decision is £1,795,636 (£1,789,696 + £5,940) phased across "
            "the financial years as set out above."),
    Para("Key discussion points at meeting:", None, "heading"),
    p(None, "It was resolved that :"),
    Grid([], [["Signature", ""], ["Date", "18/2/16"]], [1, 3]),
    Para("OFFICE OF PCC APPROVAL", None, "heading"),
    p(None, "I have been consulted about the proposal and confirm that appropriate advice has been taken into account "
            "in the preparation of this report. I am satisfied that this is an appropriate request to be submitted to "
            "the Police and Crime Commissioner"),
    Grid([], [["Signature", ""], ["Name", "ANDREW DALE"], ["Date", "18/2/16"]], [1, 3]),
    PAGE,
    Para("Appendix 1 – Additional background information", None, "heading"),
    Para("Background", None, "heading"),
    p(None, "The OPCC commissioned substance misuse provision was put in place in April 2014. This complemented wider "
            "provision funded by the respective top tier/unitary councils and NHS England. Since 2014 it has become "
            "clear that provision is unnecessarily fragmented into different services and that a single service "
            "could be achieved across Leicester, Leicestershire and Rutland (LLR)."),
    p(None, "As part of the Strategic Partnership Development Fund an Integrated Vulnerability Management Initiative "
            "(IVMI) pilot will be taking place and this will include making available some further funding to the "
            "Substance Misuse Treatment Service (SMTS) to provide staffing resource towards the pilot."),
    Para("Table 1", None, "caption"),
    Grid([["What", "Before", "After"]],
         [["Number of services/ service providers", "There are currently a number of different services and service "
           "providers across the community and prisons with different provision across prisons, county/Rutland and "
           "the city and young people vs adult's provision.", "A single service provider across LLR including within "
           "prisons, custody suites etc which will ensure continuity of provision across the criminal justice "
           "system/the community and across the age range."],
          ["IOM coverage", "Coverage provided by the Adult's contract", "Coverage to be provided by the single LLR "
                                                                         "wide service"],
          ["Payment by results", "Only some contracts operating under payment by results conditions",
           "All provision covered by the SMTS specification subject to payment by results conditions."]], [2, 3, 3]),
])

EXE0004 = Layout("004_83f45d9755ec39ae", [
    Para("POLICE AND CRIME COMMISSIONER FOR LEICESTERSHIRE DECISION RECORD", None, "title"),
    Para("To be completed in cases where a decision is required", None, "small"),
    Grid([], [["Date:", "30 March 2021"],
              ["Officers present:", "PCC, Deputy PCC, Chief Executive, Head of Strategy and Commissioning"],
              ["OPCC Ref:", "EXE0004/21"], ["Title:", "Substance Misuse Treatment service"]], [1, 3]),
    Para("Summary of Issue:", None, "heading"),
    p(None, "This decision record builds on and updates the information provided in the decision record Substance "
            "Misuse Treatment service dated 6th April 2020 and the discussions which took place with the Police and "
            "Crime Commissioner on 16th March 2021."),
    p(None, "In December 2020 Leicestershire County Council made the decision to withdraw from the partnership "
            "arrangement and procure a separate service for Leicestershire County Council and Rutland residents only. "
            "A factor in these discussions have been how to split the previously LLR wide CJS elements of the service "
            "and the associated PCC funding contribution."),
    Para("Recommendations presented:", None, "heading"),
    p(None, "The PCC is recommended to approve the apportioning of his funding for substance misuse related provision "
            "as set out in table 2 below."),
    p(None, "For ease, we have described those service elements which sit across both Leicestershire County/Rutland's "
            "service and Leicester City's service as \"core\" and those which could sit with one or either service as "
            "\"non-core\". Please see Table 1 below core and non-core service elements."),
    Para("Table 1. Core and non-core services", None, "caption"),
    Grid([["Non-Core", "Core"]],
         [["Custody coverage and assessment", "IOM"], ["Out of court disposal education programme", "DRRs/ATRs"],
          ["PAVE", "Through the gate"], ["", "Court liaison"], ["", "Recovery Hub"]], [1, 1], ruled=False),
    p(None, "The PCC's contribution has remained unchanged as per the funding table presented on 6th April 2020. It is "
            "anticipated as set out in the medium-term financial plan that these financial contributions will remain "
            "unchanged for the periods up to and including 2024. The costs for the POM have been removed from the "
            "available funding line as this will be a direct payment to the Force."),
    p(None, "The total costs of these non-core service elements is £131,073.40, having made a £50,000 contribution "
            "towards POM and a further £34,000 for the Recovery Hub the balance remaining is £331,142.86."),
    p(None, "The remaining balance has been apportioned to Leicester City Council and Leicestershire County "
            "Council/Rutland County Council as a contribution towards those core costs."),
    Para("Table 2. Allocation of the PCC contribution 2022/23", None, "caption"),
    # The office's own column order: the recipients' shares first, the non-core pot and POM after.
    Grid([["Area", "Core (£)", "Recovery Hub* (£)", "Non - core contribution (£)", "POM", "Total (£)"]],
         [["Leicester City Council", "219,287", "34,000", "", "-", "253,287"],
          ["Leicestershire and Rutland County Council", "111,856", "-", "-", "-", "111,856"],
          ["Leicestershire Police", "-", "-", "-", "50,000", "50,000"],
          ["Police and Crime Commissioner", "", "", "131,073", "", "131,073"],
          ["Total contribution", LEFT, LEFT, LEFT, LEFT, "546,216"]], [4, 2, 2, 2, 1.5, 2]),
    Para("*The PCC makes a contribution of £34,000 p.a towards the Recovery Hub (Number 5)", None, "small"),
    Para("Partnership working arrangements", None, "heading"),
    p(None, "Separate joint working agreements are being drafted that set how the PCC will work with Leicester City "
            "Council and Leicestershire and Rutland County Councils and details the funding contribution commitment "
            "for the term of the contract."),
    Para("OFFICE OF PCC APPROVAL", None, "heading"),
    Grid([], [["Signature:", ""], ["Name:", "Paul Dawkins"], ["Date:", "22/4/21"]], [1, 3]),
])

LAYOUTS = {layout.name + ".txt": layout for layout in (BCB_2015, BCB_2017, EXE0001, EXE0004)}

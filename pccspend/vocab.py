"""Controlled vocabularies: the one list of allowed values, used by validation, queries and the UI."""

from __future__ import annotations

# Themes follow the Cambridgeshire Commissioning and Grants report (Appendix 1), which groups
# awards under Victims, Offenders and Communities. An award whose document names no theme keeps
# an empty theme: we never guess one.
THEMES: dict[str, str] = {
    "victims": "Support for victims and witnesses of crime and safeguarding of vulnerable people.",
    "offenders": "Attacking criminality and reducing re-offending: offender management, youth "
    "offending, criminal-justice substance misuse work.",
    "communities": "Preventing crime and reassuring the public: community safety partnerships, "
    "anti-social behaviour, rural crime.",
}

# Funding streams, with where the money comes from (as the source documents describe it).
FUNDING_STREAMS: dict[str, str] = {
    "MoJ Victims' Services Grant": "Ministry of Justice grant to the commissioner for support "
    "services for victims of crime.",
    "Crime and Disorder Reduction Grants": "Grants the commissioner makes from the main police "
    "grant to secure crime and disorder reduction.",
    "Youth Fund": "Raised through the Police (Property) Act; diversionary work with young people.",
    "Casualty Reduction and Support Fund": "Surplus from cost recovery on National Driver "
    "Offender Rehabilitation courses; road casualty reduction.",
    "Community Safety Fund": "Home Office grant to commissioners (2013-14), which some passported "
    "to Community Safety Partnerships.",
    "Strategic Partnership Development Fund": "Leicestershire commissioner's fund for partnership "
    "initiatives (Strategic Partnership Board).",
}

MECHANISMS: dict[str, str] = {
    "grant agreement": "A grant under a written agreement with delivery conditions.",
    "commissioned contract": "A contract let through a commissioning or procurement process.",
    "single tender action": "A contract awarded without competition, under a single tender request.",
    "pooled budget contribution": "A contribution to a budget pooled with partners who commission.",
    "grant": "A grant without a named agreement type in the source.",
    "allocation": "Money allocated or passported to a body to spend locally.",
}

STATUSES: dict[str, str] = {
    "awarded": "Awarded for the year.",
    "committed": "Committed by a decision for a future or current year.",
    "planned": "Named in a decision with the amount still to be agreed (carries no amount).",
    "optional_extension": "Payable only if an optional contract extension is taken up.",
}

# What counts as spend when nobody asks otherwise: money awarded or committed. Planned rows
# carry no amount; optional-extension money counts only when asked for.
DEFAULT_STATUSES: tuple[str, ...] = ("awarded", "committed", "planned")

PROVIDER_SECTORS: dict[str, str] = {
    "police": "A police force.",
    "local authority": "A county, district, city or unitary council, or one of its services.",
    "health": "An NHS body or health trust.",
    "voluntary sector": "A charity or voluntary, community or social enterprise organisation.",
    "partnership": "A statutory or multi-agency partnership or board.",
    "other": "Any other body (companies, national public bodies).",
}

SOURCE_KINDS: dict[str, str] = {
    "board report": "A report to a board of the commissioner's office.",
    "decision record": "A signed record of a commissioner's decision.",
    "FOI response": "A response to a Freedom of Information request.",
    "import": "A file imported into the register (spreadsheet or 360Giving data).",
}

# The publication decision, as a decision record's Publication Scheme makes it ("It is
# appropriate to publish: Yes / Part Redacted / No", with the reasons for any non-publication).
PUBLICATION: dict[str, str] = {
    "draft": "Not yet decided: kept from the public (every import lands here).",
    "published": "Decided: published in full.",
    "redacted": "Decided: published with some fields withheld (the award still counts in every total).",
    "withheld": "Decided: not published, for the reason recorded.",
}
PUBLIC_STATES: tuple[str, ...] = ("published", "redacted")

TOTAL_KINDS: dict[str, str] = {
    "line_total": "A total the document states for lines it lists.",
    "budget": "A budget envelope the document states; lines need not add up to it.",
}

# Display colours: Okabe-Ito, a colour-blind-safe palette, fixed per value so a theme or
# stream has the same colour on every chart, page and snapshot.
NOT_STATED = "Not stated"
THEME_COLOURS: dict[str, str] = {
    "victims": "#0072B2",
    "offenders": "#D55E00",
    "communities": "#009E73",
    NOT_STATED: "#999999",
}
STREAM_COLOURS: dict[str, str] = {
    "MoJ Victims' Services Grant": "#0072B2",
    "Crime and Disorder Reduction Grants": "#E69F00",
    "Youth Fund": "#CC79A7",
    "Casualty Reduction and Support Fund": "#56B4E9",
    "Community Safety Fund": "#009E73",
    "Strategic Partnership Development Fund": "#D55E00",
    NOT_STATED: "#999999",
}

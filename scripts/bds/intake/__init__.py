"""Ways for partners to submit an opportunity without a server.

Every path (web form, GitHub issue form, spreadsheet import) is generated from
`schemas/opportunity.schema.json` through `fields.fields()`, and every path ends
in a YAML file that the validator accepts.
"""

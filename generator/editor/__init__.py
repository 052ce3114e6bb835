"""`portfolio edit`: a local web form that writes the files the rest of the tool reads.

A student fills in a form in the browser; the editor writes `index.md`,
`departments.yaml` and `student.yaml` as a person would (only the fields that changed,
comments and key order kept), copies dropped files into the item's folder, and runs
the same checks as `portfolio check` after every save. The content root's files are
the only store; previews and upload copies go to the output folder.

    names.py      which names may be folders and files, and where they really are
    roundtrip.py  editing YAML text in place (the round-trip writer)
    forms.py      the form of an item, built from the rules table, and back to front matter
    store.py      reading and writing the content root, with the conflict check
    evaluate.py   the checks after a save, or on a draft; states and counts
    jobs.py       background work with progress: fitting files, preview builds
    bridge.py     the parts of the tool outside the editor's usual imports (build, render)
    server.py     the HTTP server: token, Origin/Host, CSP, routing
    routes.py     what each address does
"""

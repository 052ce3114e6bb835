"""Links: will each external link still work when a reviewer clicks it?

`risk` judges a URL offline, `checker` asks the network, `history` remembers
every check in the content root, `archive` keeps copies.
"""

"""Ofsted's published data on children's social care providers, read and matched to
the directory by URN. Nothing here writes; `services.ofsted` does.

- `reading`: the file (CSV in whatever encoding it was saved in, ODS or XLSX) into a
  `Table` of the columns Ofsted's files carry, found by their headings wherever the
  heading row is and whatever order the columns come in;
- `rows`: what each row says (a URN, a rating, dates), or what is wrong with it;
- `checks`: the rows against the directory: what would change, which settings the
  directory does not know, which ratings fall.
"""

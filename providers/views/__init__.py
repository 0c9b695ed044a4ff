"""The directory's pages, by concept: `directory` (providers and specialisms),
`exports` (the directory as a spreadsheet) and `imports` (a spreadsheet into it)."""

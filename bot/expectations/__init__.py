"""A person's staff expectations (issue 17): entered from their company's ladder, private."""

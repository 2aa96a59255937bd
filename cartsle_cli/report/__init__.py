"""Reports: the review's results as CSV, Markdown, HTML and JSON, with figures."""

"""The post and its site as Jekyll reads them: front matter, Liquid, kramdown blocks,
HTML, dates and file names, and what the site's layouts make of a post. Nothing here
knows of rules, fixing or output."""

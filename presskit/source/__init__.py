"""Reading a post: the file, its front matter and language, and the Hugo shortcode lexer.

The first stage: nothing here knows about pandoc, pages or PDFs."""

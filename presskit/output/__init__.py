"""From the converted body to an output file: pandoc conversion, sanitizing, paper
conventions, the page template, fonts, press-release conventions, and the output backends
(`backends`: PDF through WeasyPrint, Word through pandoc's docx writer)."""

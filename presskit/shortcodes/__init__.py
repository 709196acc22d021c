"""Hugo shortcodes as document structure: the source pass that turns them into
pandoc-native markers, the handlers that render each one per output format, recovery under plain
pandoc, and the panflute filter that runs them (in-process for the renderer, as `presskit-filter`
under pandoc)."""

"""`presskit preview`: a post's pages in the browser, re-rendered on every save.

A `Session` builds its posts with `presskit.batch.builder.build` into a temporary folder, on worker
processes it keeps warm between builds, and turns the pages of each new PDF into PNGs
(`raster`). A watcher (`watch`) wakes it when a post, a file of its bundle, the theme, the
brand or `presskit.toml` changes; the server (`server`) shows what the session last rendered
and tells open pages, by server-sent events, to fetch the new state. Nothing else is served.
"""

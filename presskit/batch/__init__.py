"""Many posts at once: discovery, the manifest, incremental decisions, warm workers, the kit
and progress reporting. `presskit.build` is `builder.build`."""

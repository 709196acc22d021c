"""The WeasyPrint adapter: how presskit imports and tunes WeasyPrint, in one place."""

#!/usr/bin/env python3
"""The do-nothing panflute filter: the baseline presskit-filter is measured against."""

import panflute as pf


def action(elem, doc):
    return None


if __name__ == "__main__":
    pf.run_filter(action)

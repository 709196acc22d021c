"""Reading a panflute tree without walking it.

`Element.walk` rebuilds every list it passes through (each item type-checked again on the
way back) and calls Python for every element: right for a filter's action, which may replace
what it visits, and twice the cost of the filter's whole reading of a post when all a pass
does is look, or change a list in place. These passes read the tree with `descendants`.
"""

from __future__ import annotations

from collections.abc import Iterator

import panflute as pf


def descendants(root: pf.Element) -> Iterator[pf.Element]:
    """`root` and every element under it, in document order (a parent before its children,
    and, for a document, the metadata before the body: the order `walk` visits the leaves in).

    An element's children are read when the next element is asked for, so a pass may change
    the lists of the element it was given. Unlike `walk`, it does not attach the elements
    it passes to their parents: a pass that needs `elem.parent` looks from the parent down."""
    stack: list[pf.Element] = [root]
    while stack:
        elem = stack.pop()
        yield elem
        for name in reversed(elem._children):
            child = getattr(elem, name)
            if child is None:
                continue
            if isinstance(child, pf.Element):
                stack.append(child)
            elif isinstance(child, pf.ListContainer):
                stack.extend(reversed(child.list))
            else:  # a DictContainer (metadata)
                stack.extend(reversed(list(child.dict.values())))

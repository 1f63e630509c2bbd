"""Figures for planners (matplotlib, imported inside each function).

Every plotting function takes ``ax=None`` (a new figure is made when it is ``None``),
returns the Axes, and never calls ``plt.show()``. One module per topic.
"""

"""Whether a training run has converged, judged by its mAP's rise over the last quarter of its schedule."""

#: A run counts as converged when its mAP rose by less than this (in % of the mAP at 75 % of the schedule) over
#: the last quarter of its schedule.
CONVERGED_GAIN_PERCENT = 5.0


def last_quarter_gain(map_at_75: float | None, final_map: float | None) -> float | None:
    """The mAP's rise over the last quarter of the schedule in % of its value at 75 %, or None without one."""
    if not map_at_75 or final_map is None:
        return None
    return 100 * (final_map - map_at_75) / map_at_75


def gain_label(gain: float | None) -> str:
    """A last-quarter gain as a table shows it: ``+15 %``, or ``-`` when unknown."""
    return '-' if gain is None else f'{gain:+.0f} %'

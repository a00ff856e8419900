"""Statistics on the data layer's frames: decomposition, forecasts with backtests, event
effects, structural breaks in shares and margin-volume regressions.

Every function takes tidy Polars frames and returns a small result object holding tidy Polars
frames and a plain-text ``summary`` (never raw statsmodels objects). statsmodels is imported
inside the functions, so importing this package stays cheap. Results are deterministic: no
random draws and no wall-clock use.

Gap policy: a missing month is an absent row and is never filled. Methods that need evenly
spaced data (STL, ETS, SARIMAX, backtests) use one contiguous run of months and say which;
regressions simply leave absent months out.
"""

from .backtest import BacktestResult, ModelSpec, backtest
from .breaks import ShareBreaksResult, describe_breaks, event_when, share_breaks
from .calendar import CNY_DATES, cny_date, is_cny_month
from .decomposition import DecompositionResult, decompose
from .errors import InsufficientData, ShortRun
from .events import EventEffectsResult, event_effects
from .financial import MarginVolumeResult, margin_vs_volume
from .forecasting import ForecastResult, forecast, indicative_range, try_forecast
from .months import count_runs
from .record import against_implied, against_record, implied_totals

__all__ = [
    "CNY_DATES",
    "BacktestResult",
    "DecompositionResult",
    "EventEffectsResult",
    "ForecastResult",
    "InsufficientData",
    "ShortRun",
    "MarginVolumeResult",
    "ModelSpec",
    "ShareBreaksResult",
    "against_implied",
    "against_record",
    "backtest",
    "cny_date",
    "count_runs",
    "decompose",
    "describe_breaks",
    "event_effects",
    "event_when",
    "forecast",
    "implied_totals",
    "indicative_range",
    "is_cny_month",
    "margin_vs_volume",
    "share_breaks",
    "try_forecast",
]

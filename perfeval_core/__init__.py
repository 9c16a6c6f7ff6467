"""perfeval_core: evaluation workbooks in, scores out. Imports without Streamlit."""

from .loader import LoadResult, load_bytes, load_path
from .model import Bands, Evaluation, ProjectInfo
from .report import Issue, ValidationReport
from .scoring import Scenario, ScoreResult, ScoringModel, score

__all__ = ["Bands", "Evaluation", "Issue", "LoadResult", "ProjectInfo", "Scenario", "ScoreResult",
           "ScoringModel", "ValidationReport", "load_bytes", "load_path", "score"]

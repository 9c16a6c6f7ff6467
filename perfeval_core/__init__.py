"""perfeval_core: evaluation workbooks in, scores out. Imports without Streamlit."""

from perfeval_core.analysis.scoring import Scenario, ScoreResult, ScoringModel, score
from perfeval_core.io.loader import LoadResult, load_bytes, load_path
from perfeval_core.model.evaluation import Bands, Evaluation, ProjectInfo
from perfeval_core.model.report import Issue, ValidationReport

__all__ = ["Bands", "Evaluation", "Issue", "LoadResult", "ProjectInfo", "Scenario", "ScoreResult",
           "ScoringModel", "ValidationReport", "load_bytes", "load_path", "score"]

"""The register's pages: the register and the risk page, the heat map, the measures
and the risk dialogues, one module each."""

from .dialogen import (
    DialoogBewerken,
    DialoogDetail,
    DialoogLijst,
    DialoogNieuw,
    DialoogVerslag,
    dialoog_gehouden,
    dialoog_sessie,
    dialoog_vaststellen,
)
from .heatmap import heatmap
from .maatregelen import (
    MaatregelBewerken,
    MaatregelDetail,
    MaatregelLijst,
    MaatregelNieuw,
    MaatregelStatus,
)
from .register import (
    RisicoBewerken,
    RisicoDetail,
    RisicoGeschiedenis,
    RisicoLijst,
    RisicoNieuw,
    RisicoScoren,
)

__all__ = [
    "DialoogBewerken",
    "DialoogDetail",
    "DialoogLijst",
    "DialoogNieuw",
    "DialoogVerslag",
    "MaatregelBewerken",
    "MaatregelDetail",
    "MaatregelLijst",
    "MaatregelNieuw",
    "MaatregelStatus",
    "RisicoBewerken",
    "RisicoDetail",
    "RisicoGeschiedenis",
    "RisicoLijst",
    "RisicoNieuw",
    "RisicoScoren",
    "dialoog_gehouden",
    "dialoog_sessie",
    "dialoog_vaststellen",
    "heatmap",
]

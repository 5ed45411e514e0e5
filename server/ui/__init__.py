"""Gradio staff workbench: one tab module per assistant, assembled in workbench.py."""

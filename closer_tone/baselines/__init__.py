"""Baselines the tone model is measured against."""

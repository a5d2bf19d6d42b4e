"""Test helpers shared by every app: generic view/API test classes and query-count baselines."""

"""The planner (floor 3): task text -> validated DAG of collaborators."""

"""Pure business logic of the CPTS back office: functions over records and DataFrames.

Nothing here imports streamlit or httpx: the pages call these functions, the tests call them directly.
"""

"""Ravabet: the public relations and international affairs directorate of a governorate."""

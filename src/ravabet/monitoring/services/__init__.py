"""Every state change of the monitoring module, one module per aggregate."""

from sensors.drift import drift_sensor
from sensors.landing import landing_sensor

__all__ = ["drift_sensor", "landing_sensor"]

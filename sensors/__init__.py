from sensors.alerts import run_failure_alert_sensor
from sensors.drift import drift_sensor
from sensors.erasure import erasure_retrain_sensor
from sensors.landing import landing_sensor
from sensors.live_traffic import live_traffic_sensor
from sensors.traffic import traffic_sensor

__all__ = [
    "drift_sensor",
    "erasure_retrain_sensor",
    "landing_sensor",
    "live_traffic_sensor",
    "run_failure_alert_sensor",
    "traffic_sensor",
]

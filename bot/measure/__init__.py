"""Measuring and test tools, kept out of the service packages so that each of those holds only
its domain: benchmarks (registry_bench, kb_bench, scan_bench, alerts_bench, delivery_bench,
store_bench; memory for their memory figures), evaluations
on labelled sets (registry_eval, scan_eval) and the local emulator of the registry portal
(portal_emulator) that tests and `riskguide registry emulate` serve.
"""

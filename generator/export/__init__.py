"""Department bundles (`portfolio export`), the comparison page and the 收訖明細 checklist."""

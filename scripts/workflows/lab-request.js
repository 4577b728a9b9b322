// Validates the lab/EHR request and normalises it. Bad requests stop here with a clear error (nothing is sent).
return $input.all().map((item, i) => {
	const b = item.json.body || item.json;
	const phone = String(b.patientPhone || '').replace(/\D/g, '');
	if (phone.length < 10 || phone.length > 15)
		throw new Error(
			`item ${i}: patientPhone must be a full number with country code, e.g. +55 11 91234-5678`,
		);
	const dob = DateTime.fromISO(String(b.dateOfBirth || ''));
	if (!dob.isValid) throw new Error(`item ${i}: dateOfBirth must be YYYY-MM-DD`);
	if (!/^https:\/\//.test(String(b.reportUrl || '')))
		throw new Error(`item ${i}: reportUrl must be an https:// link to the PDF`);
	const collected = DateTime.fromISO(String(b.collectedAt || ''));
	return {
		json: {
			patient: phone,
			firstName: String(b.patientName || 'patient')
				.trim()
				.split(/\s+/)[0],
			dateOfBirth: dob.toISODate(),
			reportUrl: String(b.reportUrl),
			reportName: String(b.reportName || 'lab-results.pdf'),
			// The date itself (ISO): the notice template writes it in its own language and the clinic's time zone.
			collectedAt: collected.isValid ? String(b.collectedAt).trim() : null,
		},
		pairedItem: { item: i },
	};
});

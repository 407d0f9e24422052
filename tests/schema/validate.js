#!/usr/bin/env node
/*
 * validate.js - checks a JSON document against a JSON Schema, for the test
 * suite (tests/test_sarif.c runs it on crucible's SARIF output).
 *
 *   node tests/schema/validate.js SCHEMA.json DOC.json
 *
 * Exit status: 0 valid, 1 invalid (every error printed on stderr), 2 the
 * validator itself could not run (usage, unreadable file, bad schema).
 *
 * The SARIF 2.1.0 schema is a draft-04 schema, which Ajv 8 only reads
 * through ajv-draft-04; ajv-formats adds the "uri", "uri-reference" and
 * "date-time" formats the schema relies on, so that a malformed URI fails
 * here as it would at an upload.  The dependencies are pinned in
 * package-lock.json and installed with `npm ci --prefix tests/schema`
 * (scripts/dev does it before the tests run).
 */
'use strict';

const fs = require('fs');

function readJson(path) {
	return JSON.parse(fs.readFileSync(path, 'utf8'));
}

function main(argv) {
	if (argv.length !== 2) {
		console.error('usage: node validate.js SCHEMA.json DOC.json');
		return 2;
	}
	let Ajv, addFormats, schema, doc;
	try {
		Ajv = require('ajv-draft-04');
		addFormats = require('ajv-formats');
	} catch (e) {
		console.error(`validate.js: ${e.message}\n` +
			'install the validator: npm ci --prefix tests/schema');
		return 2;
	}
	try {
		schema = readJson(argv[0]);
		doc = readJson(argv[1]);
	} catch (e) {
		console.error(`validate.js: ${e.message}`);
		return 2;
	}

	/* strict: false because the schema is third-party draft-04 text that
	 * Ajv's strict mode (a lint of schemas, not of documents) would reject
	 * for harmless things; validation of the document is unaffected. */
	const ajv = new Ajv({ allErrors: true, strict: false });
	addFormats(ajv);
	let validate;
	try {
		validate = ajv.compile(schema);
	} catch (e) {
		console.error(`validate.js: bad schema ${argv[0]}: ${e.message}`);
		return 2;
	}
	if (validate(doc))
		return 0;
	for (const err of validate.errors)
		console.error(`${argv[1]}: ${err.instancePath || '/'} ${err.message}` +
			` (${err.schemaPath})`);
	return 1;
}

process.exitCode = main(process.argv.slice(2));

/*
 * collector.c - the helpers every content collector shares: bounded
 * reads of inventory files, parse-error facts, the list of declared
 * dependencies, and nodes linked to the file they describe.
 */
#include "facts/collector.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cr_collect_read(char **out, size_t *len, cr_collect *c,
	const cr_source_file *f, const char *parser)
{
	bool truncated = false;
	int rc;

	*out = NULL;
	*len = 0;
	if (f->size > CR_COLLECT_FILE_MAX) {
		rc = cr_collect_parse_error(c, f->path, 0, parser,
			"larger than %u MiB, not parsed",
			CR_COLLECT_FILE_MAX >> 20);
		return rc == CR_OK ? CR_ENOTFOUND : rc;
	}
	rc = cr_file_read(out, len, &truncated, c->ctx, c->g, f->path,
		CR_COLLECT_FILE_MAX);
	if (rc == CR_ENOMEM)
		return rc;
	if (rc == CR_OK && !truncated)
		return CR_OK;
	free(*out);
	*out = NULL;
	rc = cr_collect_parse_error(c, f->path, 0, parser, "%s",
		truncated ? "grew past the size limit while read" :
		cr_ctx_error(c->ctx));
	return rc == CR_OK ? CR_ENOTFOUND : rc;
}

static cr_node_id file_node_of(const cr_collect *c, const char *path)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (strcmp(c->files[i].path, path) == 0)
			return c->files[i].node;
	return 0;
}

int cr_collect_parse_error(cr_collect *c, const char *path, uint32_t line,
	const char *parser, const char *fmt, ...)
{
	cr_node_id id, file = file_node_of(c, path);
	char message[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	if ((rc = cr_graph_add(c->g, &id, "parse_error", path, line)) != CR_OK ||
	    (rc = cr_graph_set_str(c->g, id, "parser", parser)) != CR_OK ||
	    (rc = cr_graph_set_str(c->g, id, "message", message)) != CR_OK ||
	    (file && (rc = cr_graph_set_str(c->g, file, "parse_error",
		     message)) != CR_OK) ||
	    (file && (rc = cr_graph_link(c->g, file, "parse_errors", id)) != CR_OK))
		return cr_error_set(c->ctx, rc, "cannot record a parse error "
			"of %s", path);
	return CR_OK;
}

int cr_collect_note_dep(cr_collect *c, cr_node_id node,
	const char *ecosystem, const char *name)
{
	cr_collect_dep *d;

	if (c->ndeps == c->deps_cap) {
		size_t cap = c->deps_cap ? c->deps_cap * 2 : 64;

		if (!(d = realloc(c->deps, cap * sizeof *d)))
			return cr_error_set(c->ctx, CR_ENOMEM, "out of memory");
		c->deps = d;
		c->deps_cap = cap;
	}
	d = &c->deps[c->ndeps];
	d->node = node;
	d->ecosystem = strdup(ecosystem);
	d->name = strdup(name);
	if (!d->ecosystem || !d->name) {
		free((char *)d->ecosystem);
		free((char *)d->name);
		return cr_error_set(c->ctx, CR_ENOMEM, "out of memory");
	}
	c->ndeps++;
	return CR_OK;
}

int cr_collect_node(cr_node_id *out, cr_collect *c, const char *kind,
	const cr_source_file *f, const char *path, uint32_t line)
{
	int rc;

	if ((rc = cr_graph_add(c->g, out, kind, path, line)) != CR_OK ||
	    (f && (rc = cr_graph_link(c->g, f->node, "describes", *out)) != CR_OK))
		return cr_error_set(c->ctx, rc, "cannot add a %s fact", kind);
	return CR_OK;
}

uint32_t cr_collect_line_of(const char *buf, size_t offset)
{
	uint32_t line = 1;

	for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + offset - p)));
	     p++)
		line++;
	return line;
}

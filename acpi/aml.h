/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ACPI_AML_H
#define LKVM_ACPI_AML_H

/*
 * The few AML encodings lkvm's DSDT needs (ACPI 6.3, chapter 20): scopes,
 * devices, names, methods that return an argument, integers, strings,
 * packages and resource templates. Objects that hold others are opened,
 * filled, then closed: the close inserts the PkgLength in front of what
 * was written, as only then is the length known.
 */
#include <stdint.h>

#include "acpi/buf.h"

/* A NameSeg or a root-prefixed one ("\\_SB"); padded with '_' to 4 chars. */
void aml_name_string(struct acpi_buf *b, const char *name);

size_t aml_scope_open(struct acpi_buf *b, const char *name);
size_t aml_device_open(struct acpi_buf *b, const char *name);
/* A method of @nargs arguments, not serialized. */
size_t aml_method_open(struct acpi_buf *b, const char *name, unsigned int nargs);
size_t aml_package_open(struct acpi_buf *b, unsigned int nr_elements);
/* Close a scope, device, method or package. */
void aml_close(struct acpi_buf *b, size_t mark);

/* Name(@name, ...): the object follows. */
void aml_name(struct acpi_buf *b, const char *name);
void aml_integer(struct acpi_buf *b, uint64_t v);
void aml_string(struct acpi_buf *b, const char *s);
/* EISAID("PNP0A08"): three letters and four hex digits, compressed. */
void aml_eisaid(struct acpi_buf *b, const char *id);
/* Return (ArgN) */
void aml_return_arg(struct acpi_buf *b, unsigned int arg);

/* A ResourceTemplate: a Buffer of descriptors ending in an End Tag. */
size_t aml_resources_open(struct acpi_buf *b);
void aml_resources_close(struct acpi_buf *b, size_t mark);
void aml_memory32_fixed(struct acpi_buf *b, uint32_t base, uint32_t size);
/* Interrupt(ResourceConsumer, Level/Edge, ActiveHigh, Exclusive) { gsi } */
void aml_interrupt(struct acpi_buf *b, uint32_t gsi, bool edge);
/* WordBusNumber(ResourceProducer, MinFixed, MaxFixed, PosDecode, ...) */
void aml_word_bus_number(struct acpi_buf *b, uint16_t first, uint16_t last);
/* DWordMemory(ResourceProducer, PosDecode, MinFixed, MaxFixed,
 * NonCacheable, ReadWrite, ...) */
void aml_dword_memory(struct acpi_buf *b, uint32_t base, uint32_t size);

#endif

/* libbfio.h: stand-in for libbfio's header, for the tests that compare with
 * libevtx. Debian 12's libevtx.h includes <libbfio.h> (to declare
 * libevtx_file_open_file_io_handle), but libevtx-dev does not depend on
 * libbfio-dev; the tests never call libbfio, so the one opaque type that
 * libevtx.h names is enough (as libbfio declares it: intptr_t). */
#ifndef SPLITE_LIBBFIO_COMPAT_H
#define SPLITE_LIBBFIO_COMPAT_H
#include <stdint.h>
typedef intptr_t libbfio_handle_t;
#endif

/* Transforms only with the flags from compile_commands.json: -DFROM_DB and an
 * include directory holding answer.h. */
#include <asyncc.h>

#ifndef FROM_DB
#error "FROM_DB is not defined: the compile database was not used"
#endif
#include "answer.h"

async int answer(void) {
    await(ac_yield());
    return ANSWER;
}

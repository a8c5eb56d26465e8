/* An async function declared without parameter types and defined in another file:
 * asyncc cannot declare its init function. (Defined in this file, the definition's
 * parameters are taken: golden/declarations.) */
#include <asyncc.h>

async int fetch();

async int caller(void) {
    return await(fetch(1));
}

/* pipeline.c - a three-stage pipeline: lines -> words -> a word count.
 *
 * Each stage is a task; the stages are joined by bounded channels, so a fast stage
 * waits for a slow one instead of piling up data. A stage ends when its input ends,
 * and drops its output sender, which ends the next stage: closing flows down the
 * pipeline. */
#include <stdio.h>
#include <string.h>

#include <asyncc.h>
/* after <asyncc.h>, which picks its face */
#include <ac_chan.h>

typedef struct word {
    char text[16];
} word;

AC_MPSC_TYPED(lines, const char *);
AC_MPSC_TYPED(words, word);

static const char *const text[] = {"the quick brown fox", "jumps over the lazy dog",
                                   "the dog sleeps", NULL};

/* Stage 1: the lines. */
async int read_lines(lines_tx out) {
    int n = 0;
    for (; text[n]; n++)
        await(lines_send(&out, text[n]));
    lines_tx_drop(&out);
    return n;
}

/* Stage 2: split each line into words. */
async int split_words(lines_rx in, words_tx out) {
    const char *line;
    int n = 0;
    while (await(lines_recv(&in, &line)) == AC_CHAN_OK) {
        for (const char *p = line; *p;) {
            size_t len = strcspn(p, " ");
            word w = {{0}};
            memcpy(w.text, p, len < sizeof w.text - 1 ? len : sizeof w.text - 1);
            await(words_send(&out, w));
            n++;
            p += len + (p[len] == ' ');
        }
    }
    lines_rx_drop(&in);
    words_tx_drop(&out);
    return n;
}

/* Stage 3: count the words, and the ones seen twice or more. */
async int count_words(words_rx in) {
    word seen[32];
    int counts[32], distinct = 0, total = 0;
    word w;
    while (await(words_recv(&in, &w)) == AC_CHAN_OK) {
        total++;
        int i = 0;
        while (i < distinct && strcmp(seen[i].text, w.text) != 0)
            i++;
        if (i == distinct && distinct < 32) {
            seen[distinct] = w;
            counts[distinct++] = 0;
        }
        if (i < distinct)
            counts[i]++;
    }
    words_rx_drop(&in);
    printf("%d words, %d distinct\n", total, distinct);
    for (int i = 0; i < distinct; i++)
        if (counts[i] > 1)
            printf("  %s: %d\n", seen[i].text, counts[i]);
    return total;
}

async int run(void) {
    lines_tx lines_out;
    lines_rx lines_in;
    words_tx words_out;
    words_rx words_in;
    if (lines_new(&lines_out, &lines_in, 1) != AC_CHAN_OK ||
        words_new(&words_out, &words_in, 2) != AC_CHAN_OK)
        return 1;
    ac_task *reader = ac_spawn(read_lines(lines_out));
    ac_task *splitter = ac_spawn(split_words(lines_in, words_out));
    await(count_words(words_in));
    int lines = 0, words = 0;
    await(ac_join(reader, &lines));
    await(ac_join(splitter, &words));
    printf("stages: %d lines read, %d words split\n", lines, words);
    return 0;
}

int main(void) {
    return ac_block_on(run());
}

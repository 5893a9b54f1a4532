/*
 * QEMU TCG plugin: counts the guest instructions executed, exactly and cheaply.
 *
 * Each translated block gets one inline add of its instruction count at block entry (no callback), so the
 * total is exact for single-threaded guests. The guest marks points of its run with lseek(-1, MARK_MAGIC, 0)
 * (a system call that fails harmlessly); the count at each mark is recorded. Arguments:
 *   out=PATH     write "instructions N" and "marks M1 M2 ..." to PATH at exit (default: QEMU's log, -d plugin)
 *   blocks=PATH  also write one line "vaddr n_insns executions" per translated block (for attributing the
 *                count to code addresses; costs one more inline add per block)
 */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

typedef struct {
    uint64_t vaddr;
    uint64_t n_insns;
    uint64_t executions;
} Block;

/* lseek on aarch64 Linux, and the offset that makes a call a mark */
#define LSEEK_SYSCALL 62
#define MARK_MAGIC 0x5344455443ULL

static uint64_t instructions;
static GArray *marks;
static char *out_path;
static char *blocks_path;
static GPtrArray *blocks;
static GMutex blocks_lock;

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n_insns = qemu_plugin_tb_n_insns(tb);

    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &instructions, n_insns);
    if (blocks_path) {
        Block *block = g_new0(Block, 1);
        block->vaddr = qemu_plugin_tb_vaddr(tb);
        block->n_insns = n_insns;
        g_mutex_lock(&blocks_lock);
        g_ptr_array_add(blocks, block);
        g_mutex_unlock(&blocks_lock);
        qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &block->executions, 1);
    }
}

static void on_syscall(qemu_plugin_id_t id, unsigned int vcpu_index, int64_t num, uint64_t a1, uint64_t a2,
                       uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7, uint64_t a8)
{
    if (num == LSEEK_SYSCALL && a1 == (uint64_t)-1 && a2 == MARK_MAGIC) {
        g_array_append_val(marks, instructions);
    }
}

static void on_guest_exit(qemu_plugin_id_t id, void *unused)
{
    g_autoptr(GString) text = g_string_new("");
    g_string_append_printf(text, "instructions %" PRIu64 "\nmarks", instructions);
    for (guint i = 0; i < marks->len; i++) {
        g_string_append_printf(text, " %" PRIu64, g_array_index(marks, uint64_t, i));
    }
    g_string_append(text, "\n");
    const char *line = text->str;

    if (out_path) {
        FILE *out = fopen(out_path, "w");
        if (out) {
            fputs(line, out);
            fclose(out);
        }
    } else {
        qemu_plugin_outs(line);
    }
    if (blocks_path) {
        FILE *out = fopen(blocks_path, "w");
        if (out) {
            for (guint i = 0; i < blocks->len; i++) {
                Block *block = g_ptr_array_index(blocks, i);
                if (block->executions) {
                    fprintf(out, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n", block->vaddr, block->n_insns,
                            block->executions);
                }
            }
            fclose(out);
        }
    }
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        g_auto(GStrv) tokens = g_strsplit(argv[i], "=", 2);
        if (g_strcmp0(tokens[0], "out") == 0 && tokens[1]) {
            out_path = g_strdup(tokens[1]);
        } else if (g_strcmp0(tokens[0], "blocks") == 0 && tokens[1]) {
            blocks_path = g_strdup(tokens[1]);
            blocks = g_ptr_array_new();
            g_mutex_init(&blocks_lock);
        } else {
            fprintf(stderr, "insn_count plugin: unknown argument %s (expected out=PATH or blocks=PATH)\n", argv[i]);
            return -1;
        }
    }
    marks = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_vcpu_syscall_cb(id, on_syscall);
    qemu_plugin_register_atexit_cb(id, on_guest_exit, NULL);
    return 0;
}

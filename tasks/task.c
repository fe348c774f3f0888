/* task.c - the list of tasks, and the lifecycle every task shares (task_create,
 * task_destroy); adding a task is one file and one line here. */
#include "tasks/task.h"

#include <stdlib.h>
#include <string.h>

extern const TaskDef task_nmf;
extern const TaskDef task_quadratic;
extern const TaskDef task_rosenbrock;
extern const TaskDef task_rastrigin;
extern const TaskDef task_charlm;
extern const TaskDef task_textcls;
extern const TaskDef task_mlp;
extern const TaskDef task_cnn;

const TaskDef *const task_registry[] = {
    &task_nmf,       &task_quadratic, &task_rosenbrock,
    &task_rastrigin, &task_charlm,    &task_textcls,
    &task_mlp,       &task_cnn,       NULL,
};

const TaskDef *task_find(const char *name) {
    for (int i = 0; task_registry[i]; i++)
        if (strcmp(task_registry[i]->name, name) == 0) return task_registry[i];
    return NULL;
}

/* The frees every task shares: its parameters, gradient and groups. */
static void free_common(Task *t) {
    free(t->w);
    free(t->g);
    free(t->groups);
    *t = (Task){0};
}

int task_create(Task *t, const TaskDef *def, const Params *p, uint64_t seed, const TaskEnv *env,
                const char *where, Err *e) {
    *t = (Task){.def = def};
    if (def->create(t, p, seed, env, where, e) == 0) return 0;
    free_common(t); /* the task freed its own state before failing */
    return -1;
}

void task_destroy(Task *t) {
    if (t->def) t->def->destroy(t);
    free_common(t);
}

/* registry.c - the list of tasks; adding a task is one file and one line here. */
#include "tasks/task.h"

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
    &task_nmf,
    &task_quadratic,
    &task_rosenbrock,
    &task_rastrigin,
    &task_charlm,
    &task_textcls,
    &task_mlp,
    &task_cnn,
    NULL,
};

const TaskDef *task_find(const char *name) {
    for (int i = 0; task_registry[i]; i++)
        if (strcmp(task_registry[i]->name, name) == 0) return task_registry[i];
    return NULL;
}

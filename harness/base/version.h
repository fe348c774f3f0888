/* version.h - which lrlab this is: LRLAB_VERSION (a compile definition, the project's
 * version) and lrlab_git_commit, `git describe --always --dirty` of the sources at build time
 * (generated into the build tree by cmake/git_commit.cmake at every build). */
#ifndef LRLAB_VERSION_H
#define LRLAB_VERSION_H

extern const char lrlab_git_commit[];

#endif

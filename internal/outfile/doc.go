// Package outfile writes the files a command is asked to produce (-o PATH)
// without ever damaging what PATH names.
//
// "" and "-" mean standard output. A regular file, or a file that does not
// exist yet, is written atomically: a temporary file is made in the
// target's own folder, written, synced, closed and renamed over the
// target (os.Rename replaces an existing file on Windows too), so that a
// reader sees the old content or the new one, never a part; the temporary
// file is removed on any error; an existing file keeps its permission
// bits, a new one gets 0644. A symbolic link is followed to its target,
// which is written as above and the link kept (a dangling link: the path
// it names is created). A device, a FIFO or a socket is opened for writing
// and written through, never replaced: -o /dev/null stays /dev/null, and
// the reader of a FIFO gets the bytes. A folder is refused.
//
// Every failure, including a write error such as ENOSPC on /dev/full, is
// an error "cannot write PATH: CAUSE" whose cause is the system's own
// words, with no Go operation or type in it. Check says before any work
// whether PATH can be written at all (its folder exists, it is not a
// folder), so that a command fails before computing.
package outfile

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The per-object lists of who used an object (pipe ends, IPC users, mapping
 * users) are singly linked rows, each with ->proc and ->next. Retiring moves
 * the rows of retiring processes into the "(retired)" process's row of the
 * same object; this is that move, once for every kind of list.
 */
#ifndef USER_LIST_H
#define USER_LIST_H

/*
 * For each row of obj->field whose process is retiring: unlink it, find or
 * add into's row with row_of(obj, into), merge(dst, row) (0 on success),
 * release(row). Evaluates to 0, or -1 when a row could not be moved: it is
 * linked back where it was (a dangling row is worse than a kept process).
 * The row is unlinked before row_of() runs because that may append into's
 * row at the tail, right behind it.
 */
#define user_list__merge_retiring(obj, field, into, row_of, merge, release)                     \
	({                                                                                         \
		__typeof__((obj)->field) *pp_ = &(obj)->field, row_, dst_;                          \
		int err_ = 0;                                                                      \
                                                                                                   \
		while (!err_ && (row_ = *pp_)) {                                                   \
			if (!row_->proc->retiring) {                                               \
				pp_ = &row_->next;                                                 \
				continue;                                                          \
			}                                                                          \
			*pp_ = row_->next;                                                         \
			if (!(dst_ = row_of(obj, into)) || merge(dst_, row_)) {                    \
				row_->next = *pp_;                                                 \
				*pp_ = row_;                                                       \
				err_ = -1;                                                         \
			} else {                                                                   \
				release(row_);                                                     \
			}                                                                          \
		}                                                                                  \
		err_;                                                                              \
	})

#endif /* USER_LIST_H */

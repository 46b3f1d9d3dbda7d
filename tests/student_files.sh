# tests/student_files.sh: which of a student's files is their exercise NN, for
# make grade (tests/grade.sh) and make similarity (src/tools/similarity.sh),
# so that both look at the same file. Sourced (POSIX sh), run from the
# course's folder; needs $all_numbers (the course's exercise numbers).

# The course's name of exercise $1's file (05 -> 05_pooling.c).
course_file() { basename "$(ls exercises/"$1"_*.c | head -n 1)"; }

# Folder $1 as a path inside folder $2 ("." for $2 itself).
relative() {
    r=${1#"$2"}
    r=${r#/}
    echo "${r:-.}"
}

# The folder of student folder $1's exercise files: the one (not hidden) with
# files of the most exercises (the course's name, or another NN_*.c such as a
# browser's "05_pooling (1).c"); $2 is a scratch folder. Not the lessons/ of a
# copy of the whole course (beside its exercises/): the lessons' programs
# have the exercises' names. Sets ex_dir, layout (ex_dir inside $1) and
# layout_note (the other folders, or that none was found).
find_layout() {
    fl_top=$1
    fl_best=""
    fl_best_count=0
    fl_others=""
    fl_list="$2/layout"
    find "$fl_top" \( -name '.*' -o -name __MACOSX \) -prune -o -type d -print > "$fl_list" 2> /dev/null
    while IFS= read -r fl_d; do
        case $fl_d in */lessons) [ -d "${fl_d%/lessons}/exercises" ] && continue ;; esac
        fl_count=0
        for fl_n in $all_numbers; do
            for fl_f in "$fl_d/$(course_file "$fl_n")" "$fl_d/$fl_n"_*.c; do
                if [ -e "$fl_f" ]; then fl_count=$((fl_count + 1)); break; fi
            done
        done
        [ "$fl_count" -gt 0 ] || continue
        if [ "$fl_count" -gt "$fl_best_count" ]; then
            [ -n "$fl_best" ] && fl_others="$fl_others, $(relative "$fl_best" "$fl_top")"
            fl_best=$fl_d
            fl_best_count=$fl_count
        else
            fl_others="$fl_others, $(relative "$fl_d" "$fl_top")"
        fi
    done < "$fl_list"
    layout=$(relative "$fl_best" "$fl_top")
    layout_note=""
    if [ -z "$fl_best" ]; then
        fl_best=$fl_top
        layout_note="no exercise files found (looked for 01_*.c ... in every folder)"
    elif [ -n "$fl_others" ]; then
        layout_note="exercise files in more than one folder: graded $layout ($fl_best_count files), not ${fl_others#, }"
    fi
    ex_dir=$fl_best
}

# Exercise $1's file in $ex_dir: sets ex_file to the course's name, else the
# first other NN_*.c (empty: none), and ex_file_note when it is another name
# or when other NN_*.c files are beside it (which one is graded, which not).
student_file() {
    ex_file="$ex_dir/$(course_file "$1")"
    ex_file_note=""
    [ -e "$ex_file" ] || [ -L "$ex_file" ] || ex_file=""
    for sf_f in "$ex_dir/$1"_*.c; do
        [ -e "$sf_f" ] || [ -L "$sf_f" ] || continue
        [ "$sf_f" = "$ex_dir/$(course_file "$1")" ] && continue
        if [ -z "$ex_file" ]; then
            ex_file=$sf_f
            ex_file_note="graded $(basename "$sf_f") as $(course_file "$1")"
        elif [ -z "$ex_file_note" ]; then
            ex_file_note="graded $(basename "$ex_file"), not $(basename "$sf_f")"
        else
            ex_file_note="$ex_file_note, not $(basename "$sf_f")"
        fi
    done
}

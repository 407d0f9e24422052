# bash completion for crucible(1)
#
# Install as crucible in a bash-completion directory (for example
# /usr/share/bash-completion/completions/crucible), or source this file
# from ~/.bashrc.  It needs only bash itself, not the bash-completion
# package, and reads COMP_WORDS/COMP_CWORD directly.
#
# The lists below follow `crucible <command> --help`; tests/test_integrations.c
# fails when an option printed there is missing here.

_crucible_commands='eval facts build verify inspect test config summary version help'

_crucible_eval_opts='--bundle --format --output --only --quiet --summary
	--fail-under --fail-on --config --no-config --baseline --write-baseline
	--no-inline-ignores --trusted-key --policy-timeout --policy-memory
	--policy-instructions --policy-cpu --no-color --verbose -v --help -h
	--history --since --no-cache --no-redact'
_crucible_facts_opts='--output --history --since --no-cache --no-redact
	--help -h'
_crucible_build_opts='--output -o --sign --strict --help -h'
_crucible_verify_opts='--key --help -h'
_crucible_inspect_opts='--builtin --key --format --help -h'
_crucible_test_opts='--run --coverage --coverage-min --format --output -o
	--help -h'
_crucible_config_check_opts='--config --help -h'
_crucible_summary_opts='--format --output --top --skip-invalid --help -h'

# Options followed by a value (in the next word, or after '=').
_crucible_value_opts='--bundle --format --output --fail-under --fail-on
	--config --baseline --write-baseline --policy-timeout --policy-memory
	--policy-instructions --policy-cpu --top --trusted-key --sign --key -o
	--since --run --coverage-min'

_crucible_eval_formats='text json sarif markdown junit html'
_crucible_summary_formats='markdown html csv'
_crucible_severities='critical high medium low info'

_crucible_takes_value()
{
	[[ $1 == -* && " ${_crucible_value_opts//[$'\n\t']/ } " == *" $1 "* ]]
}

# COMPREPLY from a word list.
_crucible_words()
{
	mapfile -t COMPREPLY < <(compgen -W "$1" -- "$2")
}

# COMPREPLY from the file system: "dirs" or "files" (files include
# directories, so that the user can walk down to a file).
_crucible_paths()
{
	compopt -o filenames 2>/dev/null
	if [[ $1 == dirs ]]; then
		mapfile -t COMPREPLY < <(compgen -d -- "$2")
	else
		mapfile -t COMPREPLY < <(compgen -f -- "$2")
	fi
}

# The value of option $1 of command $2, with the word being completed $3.
# Returns 1 when $1 takes no value, so the caller completes options.
_crucible_value()
{
	local opt=$1 cmd=$2 cur=$3

	_crucible_takes_value "$opt" || return 1
	case $opt in
	--format)
		if [[ $cmd == summary ]]; then
			_crucible_words "$_crucible_summary_formats" "$cur"
		elif [[ $cmd == inspect ]]; then
			_crucible_words 'text json' "$cur"
		elif [[ $cmd == test ]]; then
			_crucible_words 'text junit' "$cur"
		else
			_crucible_words "$_crucible_eval_formats" "$cur"
		fi
		;;
	--fail-on)
		_crucible_words "$_crucible_severities" "$cur"
		;;
	--bundle)
		# A directory or a bundle file.
		_crucible_paths dirs "$cur"
		mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < \
			<(compgen -f -X '!*.crb' -- "$cur")
		;;
	--output)
		# eval also takes FORMAT=FILE: offer the prefixes next to files.
		_crucible_paths files "$cur"
		if [[ $cmd == eval ]]; then
			local f
			for f in $_crucible_eval_formats; do
				[[ $f= == "$cur"* ]] && COMPREPLY+=("$f=")
			done
			compopt -o nospace 2>/dev/null
		fi
		;;
	--config | --baseline | --write-baseline | --trusted-key | --sign | \
	--key | -o)
		_crucible_paths files "$cur"
		;;
	esac
	return 0	# numbers: nothing to offer
}

_crucible()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev eq=$COMP_CWORD
	local cmd='' sub='' opts i w

	COMPREPLY=()
	# COMP_WORDBREAKS splits --opt=value into "--opt" "=" "value" and
	# --output FORMAT=FILE into "FORMAT" "=" "FILE"; eq is where the "="
	# (or else the current word) is, prev the word before it.
	if [[ $cur == = ]]; then
		cur=''
	elif [[ ${COMP_WORDS[COMP_CWORD - 1]} == = ]]; then
		eq=$((COMP_CWORD - 1))
	fi
	prev=${COMP_WORDS[eq - 1]}

	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		=)
			i=$((i + 1))	# the value of --opt=value
			continue
			;;
		-*)
			if _crucible_takes_value "$w" &&
			   [[ ${COMP_WORDS[i + 1]} != = ]]; then
				i=$((i + 1))
			fi
			continue
			;;
		esac
		if [[ -z $cmd ]]; then
			cmd=$w
		elif [[ $cmd == config && -z $sub ]]; then
			sub=$w
		fi
	done

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			_crucible_words '--help --version' "$cur"
		else
			_crucible_words "$_crucible_commands" "$cur"
		fi
		return 0
	fi

	# --output FORMAT=FILE: the part after '=' is a file.
	if [[ $cmd == eval && ${COMP_WORDS[eq]} == = &&
	      ${COMP_WORDS[eq - 2]} == --output ]]; then
		_crucible_paths files "$cur"
		return 0
	fi
	_crucible_value "$prev" "$cmd" "$cur" && return 0

	case $cmd in
	eval) opts=$_crucible_eval_opts ;;
	facts) opts=$_crucible_facts_opts ;;
	build) opts=$_crucible_build_opts ;;
	verify) opts=$_crucible_verify_opts ;;
	inspect) opts=$_crucible_inspect_opts ;;
	test) opts=$_crucible_test_opts ;;
	summary) opts=$_crucible_summary_opts ;;
	config)
		if [[ -z $sub ]]; then
			_crucible_words 'check' "$cur"
			return 0
		fi
		opts=$_crucible_config_check_opts
		;;
	help)
		_crucible_words "$_crucible_commands" "$cur"
		return 0
		;;
	*) return 0 ;;
	esac

	if [[ $cur == -* ]]; then
		_crucible_words "$opts" "$cur"
	elif [[ $cmd == summary || $cmd == verify || $cmd == inspect ]]; then
		_crucible_paths files "$cur"
	else
		_crucible_paths dirs "$cur"
	fi
	return 0
}

complete -F _crucible crucible

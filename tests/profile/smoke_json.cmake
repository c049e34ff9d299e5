# Runs nnk-profile --json and validates the document with plot_metrics.py check (no matplotlib needed): valid JSON,
# the machine section, and exactly the expected kernels among the rows.
#   cmake -DPROFILE=nnk-profile -DARGS="--quick::..." -DPYTHON=/usr/bin/python3 -DSCRIPT=plot_metrics.py
#         -DKERNELS=a,b -DOUT=file.json -P smoke_json.cmake
string(REPLACE "::" ";" ARGS "${ARGS}")  # ctest passes the list with "::" between items
execute_process(COMMAND ${PROFILE} ${ARGS} --json RESULT_VARIABLE status OUTPUT_FILE ${OUT} ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "nnk-profile exited with ${status}:\n${err}")
endif()
execute_process(COMMAND ${PYTHON} ${SCRIPT} check ${OUT} --kernels ${KERNELS} RESULT_VARIABLE status
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "${out}")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "plot_metrics.py check failed (${status}):\n${err}")
endif()

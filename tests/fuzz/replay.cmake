# tests/fuzz/replay.cmake: ctest replays each harness's corpus,
# tests/fuzz/corpus/NAME, through the harness linked with tests/fuzz/replay.c
# instead of libFuzzer (any compiler; tests fuzz_corpus_NAME). Included from
# tests/CMakeLists.txt; fuzzing itself is tools/fuzz (docs/FUZZING.md).
file(GLOB FUZZ_HARNESSES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_*.c)
foreach(f ${FUZZ_HARNESSES})
  get_filename_component(name ${f} NAME_WE)
  add_executable(replay_${name} ${f} ${CMAKE_SOURCE_DIR}/tests/fuzz/replay.c)
  target_link_libraries(replay_${name} PRIVATE splitecore)
  add_test(NAME fuzz_corpus_${name} COMMAND replay_${name} ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${name}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endforeach()
target_sources(replay_fuzz_spl_parse PRIVATE ${CMAKE_SOURCE_DIR}/tests/fuzz/spl_fuzz_gen.c)
# fuzz_evtx_libevtx compares with libevtx when pkg-config finds it (else it
# is built as a harness that does nothing).
if(LIBEVTX_FOUND)
  target_link_libraries(replay_fuzz_evtx_libevtx PRIVATE PkgConfig::LIBEVTX)
  target_compile_definitions(replay_fuzz_evtx_libevtx PRIVATE SPLITE_HAVE_LIBEVTX=1)
  target_include_directories(replay_fuzz_evtx_libevtx PRIVATE ${CMAKE_SOURCE_DIR}/tests/libevtx_compat)
endif()

// Times the three batch-100 products of a 2000x2000 layer (forward, gradient
// below, weight gradient) through any library's cblas_sgemm, loaded at run
// time, so BLAS libraries can be compared at ffbench's shapes
// (docs/performance.md, issue 26). Threads come from the library's own
// variables (OPENBLAS_NUM_THREADS, BLIS_NUM_THREADS, OMP_NUM_THREADS).
//
//   cc -O2 -o /tmp/blas-probe scripts/blas-library-probe.c -ldl
//   OPENBLAS_NUM_THREADS=2 /tmp/blas-probe /usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0 150
//   BLIS_NUM_THREADS=2 /tmp/blas-probe /usr/lib/x86_64-linux-gnu/blis-openmp/libblis.so.4 150
//   SYM=scipy_cblas_sgemm /tmp/blas-probe .../libscipy_openblas.so 150   # a prefixed build
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <dlfcn.h>
typedef void (*sgemm_t)(int,int,int,int,int,int,float,const float*,int,const float*,int,float,float*,int);
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+1e-9*t.tv_nsec;}
enum {RowMajor=101, NoTrans=111, Trans=112};
int main(int argc,char**argv){
  void*h=dlopen(argv[1],RTLD_NOW); if(!h){fprintf(stderr,"%s\n",dlerror());return 1;}
  sgemm_t g=(sgemm_t)dlsym(h,getenv("SYM")?getenv("SYM"):"cblas_sgemm");
  int B=100,N=2000,reps=atoi(argc>2?argv[2]:"200");
  float*x=malloc(4*B*N),*w=malloc(4*N*N),*y=malloc(4*B*N),*dw=malloc(4*N*N);
  for(long i=0;i<(long)N*N;i++){w[i]=(i%17)*0.01f;dw[i]=0;} for(long i=0;i<B*N;i++){x[i]=(i%13)*0.1f;y[i]=0;}
  const char*names[3]={"forward X.W (100x2000x2000)","below dZ.W^T","weight grad X^T.dZ (beta 1)"};
  for(int s=0;s<3;s++){
    double best=1e9;
    for(int round=0;round<5;round++){
      double t=now();
      for(int r=0;r<reps;r++){
        if(s==0) g(RowMajor,NoTrans,NoTrans,B,N,N,1,x,N,w,N,0,y,N);
        if(s==1) g(RowMajor,NoTrans,Trans,B,N,N,1,y,N,w,N,0,x,N);
        if(s==2) g(RowMajor,Trans,NoTrans,N,N,B,1,x,N,y,N,1,dw,N);
      }
      double d=(now()-t)/reps; if(d<best)best=d;
    }
    printf("%-32s %7.1f GFLOP/s\n",names[s],2.0*B*N*N/best/1e9);
  }
  return 0;
}
